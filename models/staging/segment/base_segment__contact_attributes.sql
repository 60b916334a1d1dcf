{{ config(enabled=lead_scoring.event_source_enabled('segment')) }}
-- Segment identifies traits as contact attributes (macros/segment_spec.sql, docs/sources.md).
{{ lead_scoring.segment_spec_contact_attributes('segment', source('segment', 'identifies')) }}
