{{ config(enabled=lead_scoring.event_source_enabled('rudderstack')) }}
-- RudderStack identifies traits as contact attributes (docs/sources.md, macros/segment_spec.sql).
-- RudderStack lands each trait as its own identifies column (traits.company_name -> company_name);
-- segment_traits picks them (same spec). A trait a call did not send is NULL and is no update. Identifies
-- without user_id name no contact and are left out (base_rudderstack__identities rejects them).
{%- set identifies = source('rudderstack', 'identifies') %}
{%- set types = lead_scoring.column_types(identifies) %}
{%- set present = types.keys() | list %}
{%- set traits = lead_scoring.segment_traits('rudderstack', present) %}

with identifies as (
    select
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', present)) }} as contact_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('timestamp', present)) }} as updated_at_text,
        {{ lead_scoring.collector_timestamp('timestamp', present, types) }} as updated_at,
        {{ lead_scoring.segment_loaded_at('rudderstack', present, types) }} as loaded_at,
        {%- for column in traits %}
        {{ lead_scoring.clean_text(adapter.quote(column)) }} as {{ adapter.quote('trait_' ~ column) }},
        {%- endfor %}
        {{ lead_scoring.segment_values(present) }} as raw_values
    from {{ identifies }}
),

traits as (
    {#- one row per (call, trait sent); no trait columns: no rows, same columns #}
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
    from identifies
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
        ['updated_at_text is null', 'rudderstack: identify without timestamp (updated_at)'],
        ['updated_at is null', 'rudderstack: unparseable timestamp (updated_at)'],
    ]) }} as rejection_reason,
    {{ dbt.concat(["'rudderstack.identifies: '", 'raw_values']) }} as raw_values
from traits
