{{ config(materialized='view') }}

-- Ids that arrive more than once in the same raw batch (same table and loaded_at). Staging keeps
-- one usable version per id by a fixed rule (docs/operations.md); this lists where it had to
-- choose, and whether the versions differ at all. Across batches the later loaded_at wins.
{%- set tables = {
    'contacts': 'contact_id', 'accounts': 'account_id', 'interactions': 'event_id',
    'conversions': 'conversion_id'} %}

{% for table, id_column in tables.items() %}
select
    {{ lead_scoring.quoted(table) }} as source_table,
    {{ id_column }} as record_id,
    loaded_at,
    count(*) as versions,
    count(distinct raw_values) as distinct_versions
from {{ ref('base_raw__' ~ table) }}
where rejection_reason is null
group by {{ id_column }}, loaded_at
having count(*) > 1
{% if not loop.last %}union all{% endif %}
{% endfor %}
