{{ config(enabled=lead_scoring.event_source_enabled('snowplow')) }}
-- Snowplow atomic.events as contract events (macros/snowplow_atomic.sql, docs/sources.md).
{%- set future_limit = dbt.dateadd('hour', lead_scoring.setting('max_future_skew_hours'), 'events.loaded_at') %}

with events as (
    {{ lead_scoring.snowplow_event_rows(source('snowplow', 'events')) }}
)

-- base_raw__interactions' columns (macros/event_sources.sql), then collector_event and is_mapped
select
    {{- lead_scoring.collector_event_columns('events', checks=[
        ['events.event_id is null', 'snowplow: missing id (event_id)'],
        ['events.occurred_at_text is null', 'snowplow: missing timestamp (derived_tstamp)'],
        ['events.occurred_at is null', 'snowplow: unparseable timestamp (derived_tstamp)'],
        ['events.collector_event is null', 'snowplow: missing event name'],
        ['events.contact_id is null and events.anonymous_id is null', 'snowplow: no user_id and no domain_userid'],
        ['events.occurred_at > ' ~ future_limit, 'snowplow: occurred_at in the future'],
    ], raw_values=dbt.concat(["'snowplow.events: '", 'events.raw_values']),
    columns={
        'channel': lead_scoring.normalized_text("case when events.url is not null then 'web' end"),
    }) }}
from events
{{ lead_scoring.event_type_map_join('snowplow', 'events.collector_event') }}
