-- The behaviour (engagement) rules that score: active rules of active scoring models, with
-- the model's decay half-life.
{{ config(materialized='view') }}

select
    rules.model_id,
    rules.rule_id,
    rules.condition_id,
    rules.event_type,
    rules.field,
    rules.operator,
    rules.value_text,
    rules.value_list,
    rules.value_number,
    rules.value_low,
    rules.value_high,
    rules.value_pattern,
    rules.points,
    rules.lookback_days,
    rules.occurrence_from,
    rules.occurrence_to,
    rules.within_days_of_previous,
    rules.description,
    models.decay_half_life_days
from {{ ref('stg_rules__behavior_rules') }} as rules
inner join {{ ref('stg_rules__scoring_models') }} as models
    on rules.model_id = models.model_id
where rules.is_active and models.is_active
