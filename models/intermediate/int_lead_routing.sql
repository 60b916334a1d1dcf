-- The owner routing_rules assign to each sales-ready lead: the matching rule with the
-- lowest priority number (a blank attribute matches every lead). Besides contact attributes,
-- rules may test the lead's score: score.fit_grade, score.engagement_tier, score.matrix_cell,
-- score.band.
with rules as (
    select * from {{ ref('int_active_routing_rules') }}
),

score_attributes as (
    {%- for column in ['fit_grade', 'engagement_tier', 'matrix_cell', 'band'] %}
    select
        model_id,
        contact_id,
        {{ lead_scoring.quoted('score.' ~ column) }} as attribute,
        {{ lead_scoring.normalized_text(column) }} as value
    from {{ ref('int_lead_scores') }}
    where is_sales_ready and {{ column }} is not null
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

attributes as (
    select
        scores.model_id,
        scores.contact_id,
        contact_attributes.attribute,
        contact_attributes.value
    from {{ ref('int_lead_scores') }} as scores
    inner join {{ ref('int_contact_attributes') }} as contact_attributes
        on scores.contact_id = contact_attributes.contact_id
    where scores.is_sales_ready
    union all
    select * from score_attributes
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
    left join attributes
        on
            scores.model_id = attributes.model_id
            and scores.contact_id = attributes.contact_id
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
