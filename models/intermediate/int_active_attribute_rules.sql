-- The attribute (fit) rules that score: active rules of active scoring models.
{{ config(materialized='view') }}

select
    rules.model_id,
    rules.rule_id,
    rules.attribute,
    rules.operator,
    rules.value_text,
    rules.value_list,
    rules.value_number,
    rules.value_low,
    rules.value_high,
    rules.value_pattern,
    rules.points,
    rules.description
from {{ ref('stg_rules__attribute_rules') }} as rules
inner join {{ ref('stg_rules__scoring_models') }} as models
    on rules.model_id = models.model_id
where rules.is_active and models.is_active
