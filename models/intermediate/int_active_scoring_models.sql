-- The scoring models that score: active rows of scoring_models (the one place this filter is
-- written; the int_active_*_rules models and the scoring and outcome models read it).
{{ config(materialized='view') }}

select
    model_id,
    model_name,
    description,
    decay_half_life_days,
    score_floor,
    score_cap,
    reset_event_types
from {{ ref('stg_rules__scoring_models') }}
where is_active
