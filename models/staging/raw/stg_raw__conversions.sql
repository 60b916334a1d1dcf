-- One row per conversion: the latest usable version.
with versions as (
    select
        conversion_id,
        contact_id,
        account_id,
        converted_at,
        outcome,
        amount,
        loaded_at,
        row_number() over (
            partition by conversion_id
            order by loaded_at desc, converted_at desc, raw_values desc
        ) as version_rank
    from {{ ref('base_raw__conversions') }}
    where rejection_reason is null
)

select
    conversion_id,
    contact_id,
    account_id,
    converted_at,
    outcome,
    amount,
    loaded_at
from versions
where version_rank = 1
