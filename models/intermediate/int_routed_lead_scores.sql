-- One row per (active model, contact): the int_lead_scores row with the lead's owner. A
-- contact keeps its own owner unless var routing_overrides_owner is on; a sales-ready lead
-- without one (or with the override) gets the owner of the matching routing rule with the
-- lowest priority number (a blank attribute matches every lead). Besides contact attributes,
-- rules may test the lead's score: score.fit_grade, score.engagement_tier, score.matrix_cell,
-- score.band.
with scores as (
    select * from {{ ref('int_lead_scores') }}
),

rules as (
    select * from {{ ref('int_active_routing_rules') }}
),

score_attributes as (
    {%- for column in ['fit_grade', 'engagement_tier', 'matrix_cell', 'band'] %}
    select
        model_id,
        contact_id,
        {{ lead_scoring.quoted('score.' ~ column) }} as attribute,
        {{ lead_scoring.normalized_text(column) }} as value
    from scores
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
    from scores
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
    from scores
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
),

routing as (
    select
        model_id,
        contact_id,
        owner_id as routed_owner_id,
        routing_rule_id
    from candidates
    where match_rank = 1
)

select
    scores.*,
    case
        when contacts.owner_id is not null and not {{ lead_scoring.setting('routing_overrides_owner') }}
            then contacts.owner_id
        when scores.is_sales_ready then coalesce(routing.routed_owner_id, contacts.owner_id)
        else contacts.owner_id
    end as owner_id,
    case
        when contacts.owner_id is not null and not {{ lead_scoring.setting('routing_overrides_owner') }} then null
        when scores.is_sales_ready then routing.routing_rule_id
    end as routing_rule_id
from scores
inner join {{ ref('stg_raw__contacts') }} as contacts
    on scores.contact_id = contacts.contact_id
left join routing
    on
        scores.model_id = routing.model_id
        and scores.contact_id = routing.contact_id
