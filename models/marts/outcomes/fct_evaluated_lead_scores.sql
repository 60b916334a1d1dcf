-- The scores of the leads evaluated at as_of, with what happened after it: the one input of
-- the outcome reports that judge scores and bands.
select
    scores.model_id,
    scores.contact_id,
    scores.score,
    scores.score_rank,
    scores.band,
    outcomes.is_won,
    outcomes.days_to_won
from {{ ref('fct_lead_scores') }} as scores
inner join {{ ref('int_lead_outcomes') }} as outcomes
    on scores.contact_id = outcomes.contact_id
where outcomes.is_evaluated
