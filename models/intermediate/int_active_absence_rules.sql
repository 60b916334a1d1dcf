-- The absence rules that score: active rules of active scoring models, with the model's
-- decay half-life.
{{ config(materialized='view') }}

select
    rules.*,
    models.decay_half_life_days
from {{ ref('stg_rules__absence_rules') }} as rules
inner join {{ ref('int_active_scoring_models') }} as models
    on rules.model_id = models.model_id
where rules.is_active
