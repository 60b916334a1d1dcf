{#- Incremental strategy 'replace_scope': the model's increment holds the complete new state of
    every scope it names (scope = the unique_key columns, e.g. condition_id + contact_id).
    All target rows of those scopes are deleted, then the increment's rows are inserted, except
    marker rows (is_tombstone = true) that only name a scope that is now empty. Runs in the
    incremental materialization's transaction, so a failed run leaves the table unchanged. -#}
{% macro get_incremental_replace_scope_sql(arg_dict) -%}
    {{ return(adapter.dispatch('replace_scope_sql', 'lead_scoring')(arg_dict)) }}
{%- endmacro %}

{% macro default__replace_scope_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set keys = arg_dict['unique_key'] -%}
    {%- set keys = [keys] if keys is string else keys -%}
    {%- set cols = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where exists (
        select 1 from {{ source }} as scope_rows
        where
            {%- for key in keys %}
            scope_rows.{{ key }} = {{ target }}.{{ key }}{{ ' and' if not loop.last }}
            {%- endfor %}
    );
    insert into {{ target }} ({{ cols }})
    select {{ cols }} from {{ source }} where not is_tombstone
{%- endmacro %}
