select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    {{ lead_scoring.clean_text('group_id') }} as group_id,
    max_points,
    min_points,
    {{ lead_scoring.clean_text('description') }} as description,
    coalesce(is_active, false) as is_active
from {{ lead_scoring.rule_seed('rule_groups') }}
