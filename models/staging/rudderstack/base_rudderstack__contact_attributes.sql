{{ config(enabled=lead_scoring.event_source_enabled('rudderstack')) }}
-- RudderStack identifies traits as contact attributes (macros/segment_spec.sql, docs/sources.md).
{{ lead_scoring.segment_spec_contact_attributes('rudderstack', source('rudderstack', 'identifies')) }}
