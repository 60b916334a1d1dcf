{{ config(
    materialized='incremental',
    unique_key='account_id',
    incremental_strategy=lead_scoring.incremental_strategy('delete+insert'),
    on_schema_change='append_new_columns'
) }}

-- One row per account: the latest usable version. Incremental on the raw batches changed
-- since the last run, like stg_raw__contacts.
{#- rejection_reason (always NULL here) and raw_values (the widest column; only the ranking of
    repeated ids reads it) are not stored: nothing downstream reads them. -#}
{#- The column list is read from base_raw__accounts at run time, not written here: an accounts
    table may carry any extra columns, each an attribute rules can use (base_raw__accounts
    lists the contract's columns). -#}
{%- set kept_columns = lead_scoring.column_names(ref('base_raw__accounts'), ['rejection_reason', 'raw_values']) %}
{%- set progress = lead_scoring.staged_progress(this) if is_incremental()
    else lead_scoring.timestamp_literal('1900-01-01 00:00:00') %}

with {% if is_incremental() -%}
changed_batches as (
    select loaded_at
    from {{ ref('stg_raw__load_batches') }}
    where
        source_table = 'accounts'
        and changed_at > {{ progress }}
),
{%- endif %}

arrived as (
    select * from {{ ref('base_raw__accounts') }}
    where
        rejection_reason is null
        and {{ lead_scoring.changed_batches_filter(ref('stg_raw__load_batches'), 'accounts', progress) }}
),

usable as (
    select * from arrived
    {%- if is_incremental() %}
    union all
    -- every other version of an id that arrived in a batch stamped no later than the newest
    -- stored row: the stored version may be the newer one, so all versions are ranked again
    select * from {{ ref('base_raw__accounts') }}
    where
        rejection_reason is null
        and loaded_at not in (select changed_batches.loaded_at from changed_batches)
        and account_id in (
            select arrived.account_id from arrived
            where arrived.loaded_at <= {{ lead_scoring.loaded_watermark(this) }}
        )
    {%- endif %}
),

repeated_ids as (
    {{ lead_scoring.repeated_keys('usable', 'account_id') }}
),

versions as (
    {{ lead_scoring.rank_versions('usable', 'repeated_ids', 'account_id',
        'loaded_at desc, updated_at desc, raw_values desc', sort_all=is_incremental()) }}
)

select
    {{ lead_scoring.column_list(kept_columns) }},
    {{ lead_scoring.run_stamp() }} as processed_at
from versions
where version_rank = 1
