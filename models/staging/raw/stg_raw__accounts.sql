{{ config(
    materialized='incremental',
    unique_key='account_id',
    incremental_strategy=lead_scoring.incremental_strategy('delete+insert'),
    on_schema_change='append_new_columns'
) }}

-- One row per account: the latest usable version. Incremental on loaded_at, like
-- stg_raw__contacts: only accounts with a usable row in a newer raw batch are replaced.
{%- set watermark = lead_scoring.loaded_watermark(this) if is_incremental()
    else lead_scoring.timestamp_literal('1900-01-01 00:00:00') %}

with usable as (
    select * from {{ ref('base_raw__accounts') }}
    where
        rejection_reason is null
        and (loaded_at is null or loaded_at > {{ watermark }})
),

repeated_ids as (
    {{ lead_scoring.repeated_keys('usable', 'account_id') }}
),

versions as (
    {{ lead_scoring.rank_versions('usable', 'repeated_ids', 'account_id',
        'loaded_at desc, updated_at desc, raw_values desc', sort_all=is_incremental()) }}
)

select * from versions
where version_rank = 1
