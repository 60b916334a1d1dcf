{{ config(enabled=lead_scoring.segment_spec_collectors() | length > 0) }}
-- Identifies traits of every enabled Segment-spec collector (segment, rudderstack; one CTE each,
-- as in base_segment__interactions) as contact attributes (docs/sources.md,
-- macros/segment_spec.sql). Each trait is its own identifies column (traits.company_name ->
-- company_name), so each collector has its own; segment_traits picks them. A trait a call did not
-- send is NULL and is no update. Identifies without user_id name no contact and are left out
-- (base_segment__identities rejects them).
{%- set collectors = [] %}
{%- set traits = [] %}
{%- for collector in lead_scoring.segment_spec_collectors() %}
{%- set relation = source(collector, 'identifies') %}
{%- set types = lead_scoring.column_types(relation) %}
{%- set collector_traits = lead_scoring.segment_traits(collector, types.keys() | list) %}
{%- do collectors.append([collector, relation, types, collector_traits]) %}
{%- for column in collector_traits %}
{%- do traits.append([collector, column]) %}
{%- endfor %}
{%- endfor %}

with
{%- for collector, relation, types, collector_traits in collectors %}
{%- set present = types.keys() | list %}

{{ collector }}_identifies as (
    select
        {{ lead_scoring.quoted(collector) }} as collector,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('user_id', present)) }} as contact_id,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('timestamp', present)) }} as updated_at_text,
        {{ lead_scoring.collector_timestamp('timestamp', present, types) }} as updated_at,
        {{ lead_scoring.segment_loaded_at(collector, present, types) }} as loaded_at,
        {%- for column in collector_traits %}
        {{ lead_scoring.clean_text(adapter.quote(column)) }} as {{ adapter.quote('trait_' ~ column) }},
        {%- endfor %}
        {{ dbt.concat([lead_scoring.quoted(collector ~ '.identifies: '), lead_scoring.segment_values(present)]) }}
            as raw_values
    from {{ relation }}
),
{%- endfor %}

traits as (
    {#- one row per (call, trait sent); no trait columns: no rows, same columns #}
    {%- for collector, column in traits %}
    select
        collector,
        contact_id,
        {{ lead_scoring.quoted(column) }} as attribute,
        {{ adapter.quote('trait_' ~ column) }} as value,
        updated_at_text,
        updated_at,
        loaded_at,
        raw_values
    from {{ collector }}_identifies
    where contact_id is not null and {{ adapter.quote('trait_' ~ column) }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        collector,
        contact_id,
        cast(null as {{ dbt.type_string() }}) as attribute,
        cast(null as {{ dbt.type_string() }}) as value,
        updated_at_text,
        updated_at,
        loaded_at,
        raw_values
    from {{ collectors[0][0] if collectors }}_identifies
    where 1 = 0
    {%- endfor %}
)

select
    collector,
    contact_id,
    attribute,
    value,
    updated_at,
    loaded_at,
    {{ lead_scoring.first_failure([
        ['updated_at_text is null', 'identify without timestamp (updated_at)'],
        ['updated_at is null', 'unparseable timestamp (updated_at)'],
    ], prefix='collector') }} as rejection_reason,
    raw_values
from traits
