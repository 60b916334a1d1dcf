-- The owner-routing rules that apply: active rules of active scoring models.
{{ config(materialized='view') }}

select rules.*
from {{ ref('stg_rules__routing_rules') }} as rules
inner join {{ ref('int_active_scoring_models') }} as models
    on rules.model_id = models.model_id
where rules.is_active
