{{ config(enabled=lead_scoring.event_source_enabled('ga4')) }}
-- GA4 export events as contract events (macros/ga4_export.sql, docs/sources.md).
{%- set future_limit = dbt.dateadd('hour', lead_scoring.setting('max_future_skew_hours'), 'events.loaded_at') %}

with events as (
    {{ lead_scoring.ga4_events() }}
)

select
    events.event_id,
    events.contact_id,
    events.anonymous_id,
    {{ lead_scoring.mapped_event_type('events.collector_event', 'event_map') }} as event_type,
    events.occurred_at,
    {{ lead_scoring.normalized_text("case when events.url is not null then 'web' end") }} as channel,
    {{ lead_scoring.normalized_text('events.utm_source') }} as source,
    events.utm_campaign as campaign_id,
    cast(null as {{ dbt.type_string() }}) as email_id,
    events.url,
    {{ lead_scoring.try_cast('events.engagement_msec', lead_scoring.type_double()) }} / 1000.0 as duration_seconds,
    cast(null as {{ lead_scoring.type_double() }}) as amount,
    cast(null as {{ dbt.type_string() }}) as tags,
    events.properties,
    events.loaded_at,
    events.collector_event,
    event_map.event_type is not null as is_mapped,
    {{ lead_scoring.first_failure([
        ['events.occurred_at_text is null', 'ga4: missing event_timestamp (occurred_at)'],
        ['events.occurred_at is null', 'ga4: unparseable event_timestamp (occurred_at)'],
        ['events.collector_event is null', 'ga4: missing event_name'],
        ['events.contact_id is null and events.anonymous_id is null', 'ga4: no user_id and no user_pseudo_id'],
        ['events.params_unparseable', 'ga4: unparseable event_params'],
        ['events.loaded_at is null', 'ga4: missing or unparseable event_date (loaded_at)'],
        ['events.occurred_at > ' ~ future_limit, 'ga4: occurred_at in the future'],
    ]) }} as rejection_reason,
    {{ dbt.concat(["'ga4.'", 'events.collector_table', "': '", 'events.raw_values']) }} as raw_values
from events
{{ lead_scoring.event_type_map_join('ga4', 'events.collector_event') }}
