{{ config(materialized='table') }}

-- One row per contact: the latest usable version (latest loaded_at, then updated_at).
-- A table: every scoring model reads it, so the window runs once per build.
with versions as (
    select
        *,
        row_number() over (
            partition by contact_id
            order by loaded_at desc, updated_at desc, raw_values desc
        ) as version_rank
    from {{ ref('base_raw__contacts') }}
    where rejection_reason is null
)

select * from versions
where version_rank = 1
