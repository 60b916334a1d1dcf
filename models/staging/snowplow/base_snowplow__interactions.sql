{{ config(enabled=lead_scoring.event_source_enabled('snowplow')) }}
-- Snowplow atomic.events as contract events (macros/snowplow_atomic.sql, docs/sources.md).
{%- set future_limit = dbt.dateadd('hour', lead_scoring.setting('max_future_skew_hours'), 'events.loaded_at') %}

with events as (
    {{ lead_scoring.snowplow_event_rows() }}
)

select
    events.event_id,
    events.contact_id,
    events.anonymous_id,
    {{ lead_scoring.mapped_event_type('events.collector_event', 'event_map') }} as event_type,
    events.occurred_at,
    {{ lead_scoring.normalized_text("case when events.url is not null then 'web' end") }} as channel,
    events.source,
    events.campaign_id,
    cast(null as {{ dbt.type_string() }}) as email_id,
    events.url,
    cast(null as {{ lead_scoring.type_double() }}) as duration_seconds,
    cast(null as {{ lead_scoring.type_double() }}) as amount,
    cast(null as {{ dbt.type_string() }}) as tags,
    events.properties,
    events.loaded_at,
    events.collector_event,
    event_map.event_type is not null as is_mapped,
    {{ lead_scoring.first_failure([
        ['events.event_id is null', 'snowplow: missing id (event_id)'],
        ['events.occurred_at_text is null', 'snowplow: missing timestamp (derived_tstamp)'],
        ['events.occurred_at is null', 'snowplow: unparseable timestamp (derived_tstamp)'],
        ['events.collector_event is null', 'snowplow: missing event name'],
        ['events.contact_id is null and events.anonymous_id is null', 'snowplow: no user_id and no domain_userid'],
        ['events.occurred_at > ' ~ future_limit, 'snowplow: occurred_at in the future'],
    ]) }} as rejection_reason,
    {{ dbt.concat(["'snowplow.events: '", 'events.raw_values']) }} as raw_values
from events
{{ lead_scoring.event_type_map_join('snowplow', 'events.collector_event') }}
