{{ config(materialized='view') }}

-- Distinct event conditions of the active behaviour rules of active models.
select distinct
    rules.condition_id,
    rules.event_type,
    rules.field,
    case when rules.field is null then null else rules.operator end as operator,
    rules.value_text,
    rules.value_list,
    rules.value_number,
    rules.value_low,
    rules.value_high,
    rules.value_pattern
from {{ ref('int_active_behavior_rules') }} as rules
