{#- Snowplow's atomic.events (one wide row per event, the same columns on every loader;
    docs/sources.md has the column mapping). -#}

{#- The watermark candidates: var lead_scoring__snowplow_loaded_at_column (load_tstamp), then
    collector_tstamp (loaders before load_tstamp existed). -#}
{% macro snowplow_watermarks() -%}
    {{- return([var('lead_scoring__snowplow_loaded_at_column', 'load_tstamp'), 'collector_tstamp']) -}}
{%- endmacro %}

{#- atomic.events in the adapter's common shape. A structured event (event_name 'event') is
    named by its se_action, so rules see 'signup' rather than 'event'. `relation` is
    source('snowplow', 'events'), passed by the model so the lineage shows it. -#}
{% macro snowplow_event_rows(relation) -%}
    {%- set types = lead_scoring.column_types(relation) -%}
    {%- set present = types.keys() | list -%}
    {%- set property_columns = ['page_urlpath', 'page_title', 'page_referrer', 'mkt_medium', 'mkt_term',
        'mkt_content', 'se_category', 'se_action', 'se_label', 'se_property', 'se_value', 'app_id',
        'platform', 'domain_sessionid'] -%}
    {%- set properties = [] -%}
    {%- for column in property_columns if column in present -%}
        {%- do properties.append([column | replace('mkt_', 'utm_') | replace('page_urlpath', 'path')
            | replace('page_', ''), lead_scoring.clean_text(lead_scoring.as_text(adapter.quote(column)))]) -%}
    {%- endfor -%}
    {%- set event_name = lead_scoring.clean_text(lead_scoring.column_or_null('event_name', present)) -%}
    {%- set se_action = lead_scoring.clean_text(lead_scoring.column_or_null('se_action', present)) -%}
    select
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('event_id', present)) }} as event_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', present)) }} as contact_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('domain_userid', present)) }} as anonymous_id,
        case
            when lower({{ event_name }}) = 'event' and {{ se_action }} is not null then {{ se_action }}
            else {{ event_name }}
        end as collector_event,
        coalesce(
            {{ lead_scoring.clean_text(lead_scoring.as_text(lead_scoring.column_or_null('derived_tstamp', present))) }},
            {{ lead_scoring.clean_text(lead_scoring.as_text(lead_scoring.column_or_null('collector_tstamp', present))) }}
        ) as occurred_at_text,
        coalesce(
            {{ lead_scoring.collector_timestamp('derived_tstamp', present, types) }},
            {{ lead_scoring.collector_timestamp('collector_tstamp', present, types) }}
        ) as occurred_at,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('page_url', present)) }} as url,
        {{ lead_scoring.normalized_text(lead_scoring.column_or_null('mkt_source', present)) }} as source,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('mkt_campaign', present)) }} as campaign_id,
        {% if properties -%}
        {{ lead_scoring.json_object_text(properties) }}
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as properties,
        {{ lead_scoring.collector_watermark(lead_scoring.snowplow_watermarks(), present, types) }} as loaded_at,
        {{ lead_scoring.collector_values(present | select('in', ['event_id', 'event_name', 'event', 'se_action',
            'user_id', 'domain_userid', 'derived_tstamp', 'collector_tstamp', 'load_tstamp', 'page_url']) | list) }} as raw_values
    from {{ relation }}
{%- endmacro %}
