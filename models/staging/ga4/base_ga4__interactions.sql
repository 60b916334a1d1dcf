{{ config(enabled=lead_scoring.event_source_enabled('ga4')) }}
-- GA4 export events as contract events (macros/ga4_export.sql, docs/sources.md).
{%- set future_limit = dbt.dateadd('hour', lead_scoring.setting('max_future_skew_hours'), 'events.loaded_at') %}

with events as (
    {{ lead_scoring.ga4_events(source('ga4', 'events')) }}
)

-- base_raw__interactions' columns (macros/event_sources.sql), then collector_event and is_mapped
select
    {{- lead_scoring.collector_event_columns('events', checks=[
        ['events.occurred_at_text is null', 'ga4: missing event_timestamp (occurred_at)'],
        ['events.occurred_at is null', 'ga4: unparseable event_timestamp (occurred_at)'],
        ['events.collector_event is null', 'ga4: missing event_name'],
        ['events.contact_id is null and events.anonymous_id is null', 'ga4: no user_id and no user_pseudo_id'],
        ['events.params_unparseable', 'ga4: unparseable event_params'],
        ['events.loaded_at is null', 'ga4: missing or unparseable event_date (loaded_at)'],
        ['events.occurred_at > ' ~ future_limit, 'ga4: occurred_at in the future'],
    ], raw_values=dbt.concat(["'ga4.'", 'events.collector_table', "': '", 'events.raw_values']),
    columns={
        'channel': lead_scoring.normalized_text("case when events.url is not null then 'web' end"),
        'source': lead_scoring.normalized_text('events.utm_source'),
        'campaign_id': 'events.utm_campaign',
        'duration_seconds': lead_scoring.try_cast('events.engagement_msec', lead_scoring.type_double()) ~ ' / 1000.0',
    }) }}
from events
{{ lead_scoring.event_type_map_join('ga4', 'events.collector_event') }}
