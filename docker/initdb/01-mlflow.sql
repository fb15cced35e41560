-- The MLflow backend store lives beside Dagster's storage in the same server.
CREATE DATABASE mlflow OWNER rluf;
