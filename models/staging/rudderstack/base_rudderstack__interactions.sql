{{ config(enabled=lead_scoring.event_source_enabled('rudderstack')) }}
-- RudderStack tracks and pages as contract events (docs/sources.md; expressions in
-- macros/segment_spec.sql). A warehouse table gains a column when a property first appears, so a
-- column the table lacks yet reads as NULL (column_or_null).
{%- set tracks = source('rudderstack', 'tracks') %}
{%- set tracks_types = lead_scoring.column_types(tracks) %}
{%- set tracks_present = tracks_types.keys() | list %}
{%- set pages = source('rudderstack', 'pages') %}
{%- set pages_types = lead_scoring.column_types(pages) %}
{%- set pages_present = pages_types.keys() | list %}

with tracks as (
    select
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('id', tracks_present)) }} as event_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', tracks_present)) }} as contact_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('anonymous_id', tracks_present)) }} as anonymous_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('event', tracks_present)) }} as collector_event,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('timestamp', tracks_present)) }} as occurred_at_text,
        {{ lead_scoring.collector_timestamp('timestamp', tracks_present, tracks_types) }} as occurred_at,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('context_page_url', tracks_present)) }} as url,
        {{ lead_scoring.normalized_text(lead_scoring.column_or_null('context_campaign_source', tracks_present)) }}
            as source,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('context_campaign_name', tracks_present)) }}
            as campaign_id,
        {{ lead_scoring.segment_properties('tracks', tracks_present) }} as properties,
        {{ lead_scoring.segment_loaded_at('rudderstack', tracks_present, tracks_types) }} as loaded_at,
        'tracks' as collector_table,
        {{ lead_scoring.segment_values(tracks_present) }} as raw_values
    from {{ tracks }}
),

pages as (
    select
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('id', pages_present)) }} as event_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', pages_present)) }} as contact_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('anonymous_id', pages_present)) }} as anonymous_id,
        cast('page' as {{ dbt.type_string() }}) as collector_event,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('timestamp', pages_present)) }} as occurred_at_text,
        {{ lead_scoring.collector_timestamp('timestamp', pages_present, pages_types) }} as occurred_at,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('url', pages_present)) }} as url,
        {{ lead_scoring.normalized_text(lead_scoring.column_or_null('context_campaign_source', pages_present)) }}
            as source,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('context_campaign_name', pages_present)) }}
            as campaign_id,
        {{ lead_scoring.segment_properties('pages', pages_present) }} as properties,
        {{ lead_scoring.segment_loaded_at('rudderstack', pages_present, pages_types) }} as loaded_at,
        'pages' as collector_table,
        {{ lead_scoring.segment_values(pages_present) }} as raw_values
    from {{ pages }}
),

events as (
    select * from tracks
    union all
    select * from pages
)

select
    events.event_id,
    events.contact_id,
    events.anonymous_id,
    {{ lead_scoring.mapped_event_type('events.collector_event', 'event_map') }} as event_type,
    events.occurred_at,
    {{ lead_scoring.normalized_text("case when events.collector_table = 'pages' then 'web' end") }} as channel,
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
    {{ lead_scoring.segment_event_rejection('rudderstack') }} as rejection_reason,
    {{ dbt.concat(["'rudderstack.'", 'events.collector_table', "': '", 'events.raw_values']) }} as raw_values
from events
{{ lead_scoring.event_type_map_join('rudderstack', 'events.collector_event') }}
