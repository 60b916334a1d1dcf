-- The owner routing_rules assign to each sales-ready lead: the matching rule with the
-- lowest priority number (a blank attribute matches every lead).
with rules as (
    select * from {{ lead_scoring.active_rules('stg_rules__routing_rules') }} as active
),

candidates as (
    select
        scores.model_id,
        scores.contact_id,
        rules.owner_id,
        rules.routing_rule_id,
        row_number() over (
            partition by scores.model_id, scores.contact_id order by rules.priority
        ) as match_rank
    from {{ ref('int_lead_scores') }} as scores
    inner join rules
        on scores.model_id = rules.model_id
    left join {{ ref('int_contact_attributes') }} as attributes
        on
            scores.contact_id = attributes.contact_id
            and rules.attribute = attributes.attribute
    where
        scores.is_sales_ready
        and (rules.attribute is null or {{ lead_scoring.rule_condition('attributes.value', 'rules') }})
)

select
    model_id,
    contact_id,
    owner_id as routed_owner_id,
    routing_rule_id
from candidates
where match_rank = 1
