{{ config(severity='warn') }}

-- Warns when a raw batch (table, loaded_at) that the latest run saw arrive or grow has a rejected
-- share above var('max_rejected_share'): a sign that an upstream export changed shape. The
-- batches come from stg_raw__load_batches (whatever their stamp, so a late backfill is checked
-- too) and are looked up first, so the rejection checks run on those batches only. Rejected
-- rows are counted from rpt_rejected_rows (which no model reads), so this test does not hold
-- back the staging models.
-- depends_on: {{ ref('rpt_rejected_rows') }}
-- depends_on: {{ ref('stg_raw__load_batches') }}
{%- set batches = [] %}
{%- if execute %}
    {%- set found = run_query('select source_table, ' ~ lead_scoring.as_text('loaded_at') ~ ', row_count from '
        ~ ref('stg_raw__load_batches') ~ ' where changed_at = (select max(changed_at) from '
        ~ ref('stg_raw__load_batches') ~ ') order by source_table, loaded_at') %}
    {%- for row in found.rows %}
        {%- do batches.append(row) %}
    {%- endfor %}
{%- endif %}

with batches as (
    {%- for table, loaded_at, row_count in batches %}
    select
        {{ lead_scoring.quoted(table) }} as source_table,
        {{ lead_scoring.timestamp_literal(loaded_at) }} as loaded_at,
        {{ row_count }} as total_rows,
        (
            select count(*) from {{ ref('rpt_rejected_rows') }}
            where
                source_table = {{ lead_scoring.quoted(table) }}
                and loaded_at = {{ lead_scoring.timestamp_literal(loaded_at) }}
        ) as rejected_rows
    union all
    {%- endfor %}
    -- keeps the union valid when no batch changed
    select
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_timestamp() }}) as loaded_at,
        0 as total_rows,
        0 as rejected_rows
)

select
    source_table,
    loaded_at,
    total_rows,
    rejected_rows
from batches
where rejected_rows > {{ lead_scoring.setting('max_rejected_share') }} * total_rows
