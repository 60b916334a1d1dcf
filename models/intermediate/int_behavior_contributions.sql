-- Behaviour points per (model, known contact, rule): the rule's sums (int_behavior_rule_sums)
-- decayed on to as_of, then max_points clips the total.
-- Events may name a contact that raw.contacts lacks: they score nobody.
with rules as (
    select * from {{ ref('int_active_behavior_rules') }}
),

totals as (
    select
        sums.model_id,
        sums.rule_id,
        sums.contact_id,
        sum({{ lead_scoring.decayed_from('sums.decayed_points', 'sums.reference_at',
            lead_scoring.as_of(), 'rules.decay_half_life_days') }}) as raw_points,
        sum(sums.event_count) as event_count
    from {{ ref('int_behavior_rule_sums') }} as sums
    inner join rules
        on sums.model_id = rules.model_id and sums.rule_id = rules.rule_id
    group by sums.model_id, sums.rule_id, sums.contact_id
)

select
    totals.model_id,
    totals.contact_id,
    totals.rule_id,
    'behavior' as rule_kind,
    {{ lead_scoring.clip_points('totals.raw_points', 'rules.max_points') }} as points,
    totals.event_count
from totals
inner join rules
    on totals.model_id = rules.model_id and totals.rule_id = rules.rule_id
inner join {{ ref('stg_raw__contacts') }} as contacts
    on totals.contact_id = contacts.contact_id
