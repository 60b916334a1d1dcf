{#- dbt-duckdb loads a seed with COPY from <root_path>/<file>, and root_path is the one saved in
    dbt's partial-parse file for a seed whose CSV did not change: in a project copied or moved
    since, the old location's file, whatever it holds now. The agate table dbt has just read for
    the seed was read from this project's file: load that one. -#}
{% macro duckdb__load_csv_rows(model, agate_table) %}
    {%- if not config.get('fast', true) -%}
        {{ return(default__load_csv_rows(model, agate_table)) }}
    {%- endif -%}
    {%- set sql -%}
        copy {{ this.render() }} from '{{ agate_table.original_abspath }}'
        (format csv, header true, delimiter '{{ config.get('delimiter', ',') }}')
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {{ return(sql) }}
{% endmacro %}
