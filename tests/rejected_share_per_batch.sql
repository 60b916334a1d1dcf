{{ config(severity='warn') }}

-- Warns when the newest raw batch (table, loaded_at) of a table has a rejected share above
-- var('max_rejected_share'): a sign that an upstream export changed shape. Only the newest
-- batch is read: its loaded_at is looked up first and filters the raw scan, so the rejection
-- checks run on one batch. Rejected rows are counted from rpt_rejected_rows (which no model
-- reads) and batch sizes from raw, so this test does not hold back the staging models.
{%- set tables = ['contacts', 'contact_attributes', 'accounts', 'interactions', 'identities', 'conversions'] %}
-- depends_on: {{ ref('rpt_rejected_rows') }}
{%- for table in tables %}{% do source('raw', table) %}{% endfor %}
{%- set newest = {} %}
{%- if execute %}
    {%- for table in tables %}
        {%- set relation = source('raw', table) %}
        {%- if adapter.get_relation(database=relation.database, schema=relation.schema,
            identifier=relation.identifier) is not none %}
            {%- set found = run_query('select ' ~ lead_scoring.as_text('max(loaded_at)') ~ ' from '
                ~ lead_scoring.raw_relation(table)) %}
            {%- if found.rows[0][0] is not none %}
                {%- do newest.update({table: found.rows[0][0]}) %}
            {%- endif %}
        {%- endif %}
    {%- endfor %}
{%- endif %}

with batches as (
    {%- for table in tables if table in newest %}
    select
        {{ lead_scoring.quoted(table) }} as source_table,
        {{ lead_scoring.timestamp_literal(newest[table]) }} as loaded_at,
        (
            select count(*) from {{ lead_scoring.raw_relation(table) }}
            where loaded_at = {{ lead_scoring.timestamp_literal(newest[table]) }}
        ) as total_rows,
        (
            select count(*) from {{ ref('rpt_rejected_rows') }}
            where
                source_table = {{ lead_scoring.quoted(table) }}
                and loaded_at = {{ lead_scoring.timestamp_literal(newest[table]) }}
        ) as rejected_rows
    union all
    {%- endfor %}
    -- keeps the union valid when no table has a batch yet
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
where rejected_rows > {{ var('max_rejected_share') }} * total_rows
