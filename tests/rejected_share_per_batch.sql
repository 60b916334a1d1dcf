{{ config(severity='warn') }}

-- Warns when the newest raw batch (table, loaded_at) of a table has a rejected share above
-- var('max_rejected_share'): a sign that an upstream export changed shape. Only the newest
-- batch is checked, so the test reads one batch per build, not all history.
{%- set tables = ['contacts', 'contact_attributes', 'accounts', 'interactions', 'identities', 'conversions'] %}

with batches as (
    {%- for table in tables %}
    select
        {{ lead_scoring.quoted(table) }} as source_table,
        loaded_at,
        count(*) as total_rows,
        count(rejection_reason) as rejected_rows
    from {{ ref('base_raw__' ~ table) }}
    where loaded_at = (select max(newest.loaded_at) from {{ ref('base_raw__' ~ table) }} as newest)
    group by loaded_at
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select
    source_table,
    loaded_at,
    total_rows,
    rejected_rows
from batches
where rejected_rows > {{ var('max_rejected_share') }} * total_rows
