{{ config(enabled=lead_scoring.event_source_enabled('rudderstack')) }}
-- RudderStack identifies as contract identities (macros/segment_spec.sql, docs/sources.md).
{{ lead_scoring.segment_spec_identities('rudderstack', source('rudderstack', 'identifies')) }}
