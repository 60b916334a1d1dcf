-- One contact per anonymous id: the first identification wins, so a later (shared-device)
-- identification never moves history that is already attributed.
with ranked as (
    select
        anonymous_id,
        contact_id,
        identified_at,
        loaded_at,
        row_number() over (
            partition by anonymous_id
            order by identified_at asc, loaded_at asc, contact_id asc
        ) as identity_rank
    from {{ ref('base_raw__identities') }}
    where rejection_reason is null
)

select
    anonymous_id,
    contact_id,
    identified_at,
    loaded_at
from ranked
where identity_rank = 1
