{{ config(enabled=lead_scoring.segment_spec_collectors() | length > 0) }}
-- Tracks and pages of every enabled Segment-spec collector (segment, rudderstack) as contract
-- events, one branch per collector and table, as Fivetran's union_data unions the connections
-- of one connector; `collector` says which (docs/sources.md; expressions in
-- macros/segment_spec.sql). A warehouse table gains a column when a property first appears, so a
-- column the table lacks yet reads as NULL (column_or_null).
{%- set branches = [] %}
{%- for collector in lead_scoring.segment_spec_collectors() %}
{%- for table in ['tracks', 'pages'] %}
{%- do branches.append([collector, table]) %}
{%- endfor %}
{%- endfor %}

with events as (
    {%- for collector, table in branches %}
    {%- set relation = source(collector, table) %}
    {%- set types = lead_scoring.column_types(relation) %}
    {%- set present = types.keys() | list %}
    {{ 'union all' if not loop.first }}
    select
        {{ lead_scoring.quoted(collector) }} as collector,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('id', present)) }} as event_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', present)) }} as contact_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('anonymous_id', present)) }} as anonymous_id,
        {% if table == 'pages' -%}
        cast('page' as {{ dbt.type_string() }})
        {%- else -%}
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('event', present)) }}
        {%- endif %} as collector_event,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('timestamp', present)) }} as occurred_at_text,
        {{ lead_scoring.collector_timestamp('timestamp', present, types) }} as occurred_at,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null(
            'url' if table == 'pages' else 'context_page_url', present)) }} as url,
        {{ lead_scoring.normalized_text(lead_scoring.column_or_null('context_campaign_source', present)) }}
            as source,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('context_campaign_name', present)) }}
            as campaign_id,
        {{ lead_scoring.segment_properties(table, present) }} as properties,
        {{ lead_scoring.segment_loaded_at(collector, present, types) }} as loaded_at,
        {{ lead_scoring.quoted(table) }} as collector_table,
        {{ lead_scoring.segment_values(present) }} as raw_values
    from {{ relation }}
    {%- endfor %}
)

select
    events.collector,
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
    {{ lead_scoring.segment_event_rejection() }} as rejection_reason,
    {{ dbt.concat(['events.collector', "'.'", 'events.collector_table', "': '", 'events.raw_values']) }} as raw_values
from events
{{ lead_scoring.event_type_map_join(none, 'events.collector_event', collector_expr='events.collector') }}
