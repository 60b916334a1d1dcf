{{ config(
    materialized='incremental',
    unique_key='contact_id',
    incremental_strategy=lead_scoring.incremental_strategy('delete+insert'),
    on_schema_change='append_new_columns'
) }}

-- One row per contact: the latest usable version (latest loaded_at, then updated_at).
-- Incremental on loaded_at: only contacts with a usable row in a newer raw batch are replaced
-- (a newer batch always beats a stored version), so a build with no new contact rows reads
-- nothing here. Raw tables without loaded_at (all NULL) are re-read whole on every build.
{#- rejection_reason (always NULL here) and raw_values (the widest column; only the ranking of
    repeated ids reads it) are not stored: nothing downstream reads them. -#}
{%- set kept_columns = lead_scoring.column_names(ref('base_raw__contacts'), ['rejection_reason', 'raw_values']) %}
{%- set watermark = lead_scoring.loaded_watermark(this) if is_incremental()
    else lead_scoring.timestamp_literal('1900-01-01 00:00:00') %}

with usable as (
    select * from {{ ref('base_raw__contacts') }}
    where
        rejection_reason is null
        and (loaded_at is null or loaded_at > {{ watermark }})
),

repeated_ids as (
    {{ lead_scoring.repeated_keys('usable', 'contact_id') }}
),

versions as (
    {{ lead_scoring.rank_versions('usable', 'repeated_ids', 'contact_id',
        'loaded_at desc, updated_at desc, raw_values desc', sort_all=is_incremental()) }}
)

select {{ lead_scoring.column_list(kept_columns) }}
from versions
where version_rank = 1
