{{ config(enabled=lead_scoring.event_source_enabled('segment')) }}
-- Segment identifies as contract identities (macros/segment_spec.sql, docs/sources.md).
{{ lead_scoring.segment_spec_identities('segment', source('segment', 'identifies')) }}
