-- Behaviour points per (model, known contact, rule): decayed sum, then max_points clips it.
-- Events may name a contact that raw.contacts lacks: they score nobody.
with totals as (
    select
        model_id,
        rule_id,
        contact_id,
        sum(points) as raw_points,
        count(*) as event_count
    from {{ ref('int_behavior_scored_events') }}
    group by model_id, rule_id, contact_id
)

select
    totals.model_id,
    totals.contact_id,
    totals.rule_id,
    'behavior' as rule_kind,
    {{ lead_scoring.clip_points('totals.raw_points', 'rules.max_points') }} as points,
    totals.event_count
from totals
inner join {{ ref('stg_rules__behavior_rules') }} as rules
    on totals.model_id = rules.model_id and totals.rule_id = rules.rule_id
inner join {{ ref('stg_raw__contacts') }} as contacts
    on totals.contact_id = contacts.contact_id
