-- Custom fields: the latest row per (contact_id, attribute) wins.
with versions as (
    select
        contact_id,
        attribute,
        value,
        updated_at,
        loaded_at,
        row_number() over (
            partition by contact_id, attribute
            order by updated_at desc, loaded_at desc, value desc
        ) as version_rank
    from {{ ref('base_raw__contact_attributes') }}
    where rejection_reason is null
)

select
    contact_id,
    attribute,
    value,
    updated_at,
    loaded_at
from versions
where version_rank = 1
