-- The attribute (fit) rules that score: active rules of active scoring models.
{{ config(materialized='view') }}

select rules.*
from {{ ref('stg_rules__attribute_rules') }} as rules
inner join {{ ref('int_active_scoring_models') }} as models
    on rules.model_id = models.model_id
where rules.is_active
