-- Recycling: per (model, contact), the latest event of one of the model's reset event types at
-- or before as_of. Behaviour and absence rules of the model count only later events.
-- Only events of reset types are read (no model resets: no rows, the join finds none).
select
    reset_types.model_id,
    interactions.contact_id,
    max(interactions.occurred_at) as engagement_reset_at
from {{ ref('stg_raw__interactions') }} as interactions
inner join {{ ref('int_model_reset_types') }} as reset_types
    on interactions.event_type = reset_types.reset_event_type
where
    interactions.contact_id is not null
    and interactions.occurred_at <= {{ lead_scoring.as_of() }}
group by reset_types.model_id, interactions.contact_id
