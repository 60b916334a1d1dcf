{{ config(materialized='view') }}

-- Collector event names that event_type_map does not map, with counts: they reached staging
-- trimmed and lower-cased, so a rule must use that form (or the map gains a row).
{%- set adapters = [] %}
{%- for pair in lead_scoring.adapter_models('interactions') %}
    {%- do adapters.append(pair) %}
{%- endfor %}

{%- for pair in adapters %}
{#- a model reading several collectors (base_segment__*) names each row's in its collector column #}
{%- set several = pair[0] | length > 1 %}
select
    {{ 'collector' if several else lead_scoring.quoted(pair[0][0]) }} as collector,
    collector_event,
    event_type,
    count(*) as event_count,
    min(occurred_at) as first_occurred_at,
    max(occurred_at) as last_occurred_at
from {{ ref(pair[1]) }}
where not is_mapped and collector_event is not null and rejection_reason is null
group by {{ 'collector, ' if several }}collector_event, event_type
{% if not loop.last %}union all{% endif %}
{%- else %}
select
    cast(null as {{ dbt.type_string() }}) as collector,
    cast(null as {{ dbt.type_string() }}) as collector_event,
    cast(null as {{ dbt.type_string() }}) as event_type,
    cast(0 as {{ dbt.type_bigint() }}) as event_count,
    cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
    cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at
where 1 = 0
{%- endfor %}
