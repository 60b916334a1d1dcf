{{ config(enabled=lead_scoring.event_source_enabled('segment')) }}
-- Segment tracks and pages as contract events (macros/segment_spec.sql, docs/sources.md).
{{ lead_scoring.segment_spec_interactions(
    'segment', source('segment', 'tracks'), source('segment', 'pages')
) }}
