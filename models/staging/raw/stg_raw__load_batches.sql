{{ config(
    materialized='incremental',
    unique_key=['source_table', 'loaded_at'],
    incremental_strategy=lead_scoring.incremental_strategy('delete+insert'),
    on_schema_change='append_new_columns'
) }}

{#- What raw holds, per raw table and load stamp: the row count, and the run that first saw
    that count (changed_at). Incremental staging reads the batches changed since its own last
    run, not only stamps above its newest loaded_at, so a batch stamped earlier than (or equal
    to) one already processed, as backfills and other loaders produce, is still staged; the
    rejected-share test checks the batches a run saw change. One column scan per table. -#}
{%- set tables = ['accounts', 'contact_attributes', 'contacts', 'conversions', 'identities', 'interactions'] %}

with current_batches as (
    {%- for table in tables %}
    select
        {{ lead_scoring.quoted(table) }} as source_table,
        loaded_at,
        count(*) as row_count
    from {{ ref('base_raw__' ~ table) }}
    where loaded_at is not null
    group by loaded_at
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select
    current_batches.source_table,
    current_batches.loaded_at,
    current_batches.row_count,
    {{ lead_scoring.run_stamp() }} as changed_at
from current_batches
{%- if is_incremental() %}
left join {{ this }} as seen
    on
        current_batches.source_table = seen.source_table
        and current_batches.loaded_at = seen.loaded_at
where seen.row_count is null or seen.row_count <> current_batches.row_count
{%- endif %}
