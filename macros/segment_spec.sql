{#- Segment's warehouse schema (also RudderStack's, which follows the same spec): tracks, pages and
    identifies tables in one schema per source. docs/sources.md has the column mapping. One spec
    serves both collectors, so each base model is one call; the model passes its source() tables
    so the lineage shows them. -#}

{#- The watermark candidates: var lead_scoring__<collector>_loaded_at_column (uuid_ts), then received_at. -#}
{% macro segment_watermarks(collector) -%}
    {{- return([var('lead_scoring__' ~ collector ~ '_loaded_at_column', 'uuid_ts'), 'received_at']) -}}
{%- endmacro %}

{#- One select of a tracks or pages table (`relation`) in the adapter's common event shape. -#}
{% macro segment_event_rows(collector, table, relation) -%}
    {%- set types = lead_scoring.column_types(relation) -%}
    {%- set present = types.keys() | list -%}
    {%- set property_columns = ['path', 'referrer', 'title', 'search', 'context_campaign_medium',
        'context_campaign_term', 'context_campaign_content'] if table == 'pages'
        else ['event_text', 'context_page_path', 'context_page_referrer', 'context_campaign_medium',
        'context_campaign_term', 'context_campaign_content'] -%}
    {%- set properties = [] -%}
    {%- for column in property_columns if column in present -%}
        {%- do properties.append([column | replace('context_campaign_', 'utm_') | replace('context_page_', ''),
            lead_scoring.clean_text(adapter.quote(column))]) -%}
    {%- endfor -%}
    select
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
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('url' if table == 'pages' else 'context_page_url', present)) }} as url,
        {{ lead_scoring.normalized_text(lead_scoring.column_or_null('context_campaign_source', present)) }} as source,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('context_campaign_name', present)) }} as campaign_id,
        {% if properties -%}
        {{ lead_scoring.json_object_text(properties) }}
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as properties,
        {{ lead_scoring.collector_watermark(lead_scoring.segment_watermarks(collector), present, types) }} as loaded_at,
        {{ lead_scoring.quoted(table) }} as collector_table,
        {{ lead_scoring.collector_values(
            present | reject('in', ['context_user_agent', 'context_ip']) | list) }} as raw_values
    from {{ relation }}
{%- endmacro %}

{#- Events of tracks and pages in the contract's base_raw__interactions columns. -#}
{% macro segment_spec_interactions(collector, tracks, pages) -%}
{%- set future_limit = dbt.dateadd('hour', lead_scoring.setting('max_future_skew_hours'), 'events.loaded_at') -%}
with events as (
    {{ lead_scoring.segment_event_rows(collector, 'tracks', tracks) }}
    union all
    {{ lead_scoring.segment_event_rows(collector, 'pages', pages) }}
)

select
    {{- lead_scoring.collector_event_columns('events', checks=[
        ['events.event_id is null', collector ~ ': missing id (event_id)'],
        ['events.occurred_at_text is null', collector ~ ': missing timestamp (occurred_at)'],
        ['events.occurred_at is null', collector ~ ': unparseable timestamp (occurred_at)'],
        ['events.collector_event is null', collector ~ ': missing event name'],
        ['events.contact_id is null and events.anonymous_id is null', collector ~ ': no user_id and no anonymous_id'],
        ['events.occurred_at > ' ~ future_limit, collector ~ ': occurred_at in the future'],
    ], raw_values=dbt.concat([lead_scoring.quoted(collector ~ '.'), 'events.collector_table', "': '", 'events.raw_values']),
    columns={
        'channel': lead_scoring.normalized_text("case when events.collector_table = 'pages' then 'web' end"),
    }) }}
from events
{{ lead_scoring.event_type_map_join(collector, 'events.collector_event') }}
{%- endmacro %}

{#- identifies -> identities: an anonymous id identified as a user; the first identification
    per anonymous_id wins in stg_raw__identities. Identifies without an anonymous_id (server-side
    calls for known users) tie nothing together and are left out; without user_id they are rejected. -#}
{% macro segment_spec_identities(collector, relation) -%}
{%- set types = lead_scoring.column_types(relation) -%}
{%- set present = types.keys() | list -%}
with identifies as (
    select
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('id', present)) }} as identify_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('anonymous_id', present)) }} as anonymous_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', present)) }} as contact_id,
        {{ lead_scoring.collector_timestamp('timestamp', present, types) }} as identified_at,
        {{ lead_scoring.collector_watermark(lead_scoring.segment_watermarks(collector), present, types) }} as loaded_at,
        {{ lead_scoring.collector_values(
            present | reject('in', ['context_user_agent', 'context_ip']) | list) }} as raw_values
    from {{ relation }}
)

select
    anonymous_id,
    contact_id,
    identified_at,
    loaded_at,
    {{ lead_scoring.first_failure([
        ['contact_id is null', collector ~ ': identify without user_id'],
        ['identified_at is null', collector ~ ': missing or unparseable timestamp (identified_at)'],
    ]) }} as rejection_reason,
    {{ dbt.concat([lead_scoring.quoted(collector ~ '.identifies: '), 'raw_values']) }} as raw_values
from identifies
where anonymous_id is not null
{%- endmacro %}

{#- identifies traits -> contact attributes. Segment lands each trait as its own identifies
    column (traits.company_name -> company_name); every column outside the spec's own fields is a
    trait, or only those var lead_scoring__<collector>_trait_columns lists. A trait a call did not
    send is NULL and is no update. Anonymous identifies (no user_id) name no contact and are left
    out here (segment_spec_identities rejects them). -#}
{% macro segment_spec_contact_attributes(collector, relation) -%}
{%- set types = lead_scoring.column_types(relation) -%}
{%- set present = types.keys() | list -%}
{%- set spec_fields = ['id', 'anonymous_id', 'user_id', 'received_at', 'sent_at', 'timestamp', 'original_timestamp',
    'uuid_ts', 'uuid', 'event', 'event_text', 'channel', 'context_ip', 'context_user_agent', 'loaded_at',
    'message_id', 'rudder_id', 'request_ip'] -%}
{%- set listed = var('lead_scoring__' ~ collector ~ '_trait_columns', none) -%}
{%- set traits = [] -%}
{%- for column in present if (column in (listed or []) if listed is not none else
    (column not in spec_fields and not column.startswith('context_') and not column.startswith('_'))) -%}
    {%- do traits.append(column) -%}
{%- endfor -%}
with identifies as (
    select
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', present)) }} as contact_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('timestamp', present)) }} as updated_at_text,
        {{ lead_scoring.collector_timestamp('timestamp', present, types) }} as updated_at,
        {{ lead_scoring.collector_watermark(lead_scoring.segment_watermarks(collector), present, types) }} as loaded_at,
        {%- for column in traits %}
        {{ lead_scoring.clean_text(adapter.quote(column)) }} as {{ adapter.quote('trait_' ~ column) }},
        {%- endfor %}
        {{ lead_scoring.collector_values(
            present | reject('in', ['context_user_agent', 'context_ip']) | list) }} as raw_values
    from {{ relation }}
),

traits as (
    {%- for column in traits %}
    select
        contact_id,
        {{ lead_scoring.quoted(column) }} as attribute,
        {{ adapter.quote('trait_' ~ column) }} as value,
        updated_at_text,
        updated_at,
        loaded_at,
        raw_values
    from identifies
    where contact_id is not null and {{ adapter.quote('trait_' ~ column) }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as contact_id,
        cast(null as {{ dbt.type_string() }}) as attribute,
        cast(null as {{ dbt.type_string() }}) as value,
        cast(null as {{ dbt.type_string() }}) as updated_at_text,
        cast(null as {{ dbt.type_timestamp() }}) as updated_at,
        cast(null as {{ dbt.type_timestamp() }}) as loaded_at,
        cast(null as {{ dbt.type_string() }}) as raw_values
    where 1 = 0
    {%- endfor %}
)

select
    contact_id,
    attribute,
    value,
    updated_at,
    loaded_at,
    {{ lead_scoring.first_failure([
        ['updated_at_text is null', collector ~ ': identify without timestamp (updated_at)'],
        ['updated_at is null', collector ~ ': unparseable timestamp (updated_at)'],
    ]) }} as rejection_reason,
    {{ dbt.concat([lead_scoring.quoted(collector ~ '.identifies: '), 'raw_values']) }} as raw_values
from traits
{%- endmacro %}
