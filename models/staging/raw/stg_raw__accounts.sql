{{ config(materialized='table') }}

-- One row per account: the latest usable version (a table: read by several models).
with versions as (
    select
        *,
        row_number() over (
            partition by account_id
            order by loaded_at desc, updated_at desc, raw_values desc
        ) as version_rank
    from {{ ref('base_raw__accounts') }}
    where rejection_reason is null
)

select * from versions
where version_rank = 1
