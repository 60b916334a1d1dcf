-- The absence rules that score: active rules of active scoring models, with the model's
-- decay half-life.
{{ config(materialized='view') }}

select
    rules.model_id,
    rules.rule_id,
    rules.rule_kind,
    rules.event_type,
    rules.response_event_type,
    rules.match_field,
    rules.within_days,
    rules.points,
    rules.max_points,
    rules.description,
    models.decay_half_life_days
from {{ ref('stg_rules__absence_rules') }} as rules
inner join {{ ref('stg_rules__scoring_models') }} as models
    on rules.model_id = models.model_id
where rules.is_active and models.is_active
