/// The script the official `model-registry==0.3.14` Python client runs against the fake
/// registry. Arguments: the server origin (`http://127.0.0.1:<port>`) and a bearer token. It
/// prints one JSON object describing what it registered and what it read back.
enum PythonClientScript {
    static let source = #"""
        import asyncio
        import json
        import sys
        import warnings

        warnings.simplefilter("ignore")

        from model_registry import ModelRegistry
        from model_registry.types import RegisteredModelState
        from mr_openapi import (
            ApiClient,
            Configuration,
            InferenceServiceCreate,
            ModelRegistryServiceApi,
            ServingEnvironmentCreate,
        )

        origin, token = sys.argv[1], sys.argv[2]
        registry = ModelRegistry(origin, author="alice", is_secure=False, user_token=token)

        mnist = registry.register_model(
            "mnist",
            "s3://bucket/mnist/model.onnx",
            model_format_name="onnx",
            model_format_version="1",
            version="v1",
            storage_key="aws-conn",
            storage_path="mnist/",
            owner="team-a",
            version_description="first",
            model_source_kind="catalog",
            model_source_class="redhat_ai_models",
            model_source_group="rhelai1",
            model_source_name="granite-8b",
            metadata={"license": "apache-2.0", "int_prop": 7, "flag": True, "score": 0.5},
        )
        # A second version reuses the registered model found by name.
        again = registry.register_model(
            "mnist", "s3://bucket/mnist/v2.onnx", model_format_name="onnx", model_format_version="1", version="v2"
        )

        old = registry.register_model(
            "old-model", "s3://bucket/old.onnx", model_format_name="onnx", model_format_version="1", version="v1"
        )
        old.state = RegisteredModelState.ARCHIVED
        old = registry.update(old)

        try:
            registry.register_model(
                "mnist", "s3://dup", model_format_name="onnx", model_format_version="1", version="v1"
            )
            duplicate = "accepted"
        except Exception:
            duplicate = "rejected"

        version = registry.get_model_version("mnist", "v1")
        artifact = registry.get_model_artifact("mnist", "v1")
        listed = [model.name for model in registry.get_registered_models()]


        async def deploy():
            async with ApiClient(Configuration(host=origin, access_token=token)) as api_client:
                api = ModelRegistryServiceApi(api_client)
                environment = await api.create_serving_environment(ServingEnvironmentCreate(name="ns1"))
                # The OpenAPI spec says 200 here but the real server answers 201, so the
                # generated method would return None: read the raw answer instead.
                raw = await api.create_inference_service_without_preload_content(
                    InferenceServiceCreate(
                        name="mnist-v1/uid-1",
                        registered_model_id=mnist.id,
                        serving_environment_id=environment.id,
                        model_version_id=version.id,
                        runtime="mnist-v1",
                    )
                )
                service = json.loads(await raw.read())
                return environment.id, service["id"], raw.status


        environment_id, service_id, service_status = asyncio.run(deploy())

        print(json.dumps({
            "mnistId": mnist.id,
            "mnistAgainId": again.id,
            "oldId": old.id,
            "oldState": old.state.value,
            "versionId": version.id,
            "versionAuthor": version.author,
            "artifactId": artifact.id,
            "artifactUri": artifact.uri,
            "duplicateVersion": duplicate,
            "listed": listed,
            "environmentId": environment_id,
            "serviceId": service_id,
            "serviceStatus": service_status,
        }))
        """#
}
