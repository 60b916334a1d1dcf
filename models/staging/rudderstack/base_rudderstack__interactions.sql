{{ config(enabled=lead_scoring.event_source_enabled('rudderstack')) }}
-- RudderStack tracks and pages as contract events (macros/segment_spec.sql, docs/sources.md).
{{ lead_scoring.segment_spec_interactions(
    'rudderstack', source('rudderstack', 'tracks'), source('rudderstack', 'pages')
) }}
