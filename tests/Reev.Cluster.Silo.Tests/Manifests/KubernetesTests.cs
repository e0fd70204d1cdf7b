using System.Globalization;
using static Reev.Cluster.Silo.Tests.Manifests.YamlFile;

namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>deploy/k8s: the silo Deployment's probes, grace, resources and configuration; PDB, HPA, PostgreSQL for development.</summary>
public sealed class KubernetesTests
{
    private static readonly IReadOnlyList<(string File, Dictionary<object, object> Document)> Objects =
        DeployFiles.Kubernetes().SelectMany(f => Documents(f).Select(d => (Path.GetFileName(f), d))).ToList();

    private static Dictionary<object, object> Get(string kind, string name) =>
        Objects.Where(o => Text(o.Document, "kind") == kind && Text(o.Document, "metadata.name") == name).Select(o => o.Document).SingleOrDefault()
        ?? throw new Xunit.Sdk.XunitException($"no {kind} named {name} under deploy/k8s");

    private static Dictionary<object, object> Silo => Get("Deployment", "reev-silo");

    private static Dictionary<object, object> Container =>
        (Dictionary<object, object>)Assert.Single(List(Silo, "spec.template.spec.containers"));

    private static Dictionary<object, object> Gateway => Get("Deployment", "reev-gateway");

    private static Dictionary<object, object> GatewayContainer =>
        (Dictionary<object, object>)Assert.Single(List(Gateway, "spec.template.spec.containers"));

    /// <summary>The silo container's environment: envFrom ConfigMaps plus env entries (values of secret references as "secret:name/key").</summary>
    private static Dictionary<string, string> Environment() => Environment(Container);

    private static Dictionary<string, string> Environment(Dictionary<object, object> container)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Dictionary<object, object> source in At(container, "envFrom") as List<object> ?? [])
        {
            var configMap = Text(source, "configMapRef.name");
            Assert.True(configMap is not null, "containers import only ConfigMaps wholesale (envFrom); secrets by key, so no unrelated variable reaches them");
            foreach (var (key, value) in Map(Get("ConfigMap", configMap!), "data"))
            {
                environment[(string)key] = (string)value;
            }
        }

        foreach (Dictionary<object, object> variable in List(container, "env"))
        {
            var name = Text(variable, "name")!;
            environment[name] = Text(variable, "value")
                ?? (Text(variable, "valueFrom.secretKeyRef.name") is { } secret ? $"secret:{secret}/{Text(variable, "valueFrom.secretKeyRef.key")}" : null)
                ?? (Text(variable, "valueFrom.fieldRef.fieldPath") is { } field ? $"field:{field}" : "");
        }

        return environment;
    }

    [Fact]
    public void EveryObject_HasApiVersionKindNameAndIsListedInTheKustomization()
    {
        var resources = List(Assert.Single(Documents(DeployFiles.PathOf("k8s/kustomization.yaml"))), "resources").Cast<string>().ToList();

        Assert.All(Objects, o =>
        {
            Assert.False(string.IsNullOrEmpty(Text(o.Document, "apiVersion")), $"{o.File}: apiVersion");
            Assert.False(string.IsNullOrEmpty(Text(o.Document, "kind")), $"{o.File}: kind");
            Assert.False(string.IsNullOrEmpty(Text(o.Document, "metadata.name")), $"{o.File}: metadata.name");
        });
        Assert.Equal(DeployFiles.Kubernetes().Select(Path.GetFileName).Order(StringComparer.Ordinal), resources.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SiloDeployment_ProbesLivenessAndReadinessOnTheHealthPort()
    {
        var port = (Dictionary<object, object>)Assert.Single(List(Container, "ports"));
        var portName = Text(port, "name");
        var environment = Environment();

        Assert.Equal("/health/ready", Text(Container, "readinessProbe.httpGet.path"));
        Assert.Equal("/health/live", Text(Container, "livenessProbe.httpGet.path"));
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            var probePort = Text(Container, $"{probe}.httpGet.port");
            Assert.True(probePort == portName || probePort == Text(port, "containerPort"), $"{probe} targets port {probePort}, not the container's health port");
        }

        Assert.Equal(Text(port, "containerPort"), environment["REEV__SILO__PORT"]);
        Assert.Equal("0.0.0.0", environment["REEV__SILO__LISTENADDRESS"]);
    }

    [Fact]
    public void SiloDeployment_TerminationGraceCoversTheSilosShutdownGracePeriod()
    {
        var termination = TimeSpan.FromSeconds(int.Parse(Text(Silo, "spec.template.spec.terminationGracePeriodSeconds") ?? "30", CultureInfo.InvariantCulture));
        var grace = SiloConfigurationKeys.GracePeriod(Environment());

        Assert.True(termination > grace, $"terminationGracePeriodSeconds ({termination}) should exceed Reev:Silo:ShutdownGracePeriod ({grace}): the kubelet kills a silo still handing over");
        Assert.Equal("0", Text(Silo, "spec.strategy.rollingUpdate.maxUnavailable"));
    }

    [Fact]
    public void SiloDeployment_RequestsResourcesRunsAsNonRootAndUsesTheSiloImage() =>
        AssertResourcesNonRootAndImage(Silo, Container, DeployFiles.SiloImage);

    [Fact]
    public void SiloDeployment_EnvironmentKeysAreReadByTheSiloAndReferencesResolve()
    {
        var environment = Environment();

        Assert.All(environment.Keys, k => Assert.True(SiloConfigurationKeys.Problem(k) is null, SiloConfigurationKeys.Problem(k)));
        Assert.Equal("field:metadata.name", environment["REEV__SILO__SILOID"]);
        Assert.StartsWith("secret:", environment["REEV__POSTGRES__CONNECTIONSTRING"], StringComparison.Ordinal);
        foreach (var reference in environment.Values.Where(v => v.StartsWith("secret:", StringComparison.Ordinal)))
        {
            var (name, key) = (reference[7..].Split('/')[0], reference[7..].Split('/')[1]);
            Assert.True(Map(Get("Secret", name), "stringData").ContainsKey(key), $"Secret {name} has no key {key}");
        }

        var connection = (string)Map(Get("Secret", "reev-postgres"), "stringData")["connection-string"];
        var host = connection.Split(';').Select(p => p.Split('=', 2)).Single(p => p[0].Equals("Host", StringComparison.OrdinalIgnoreCase))[1];
        Get("Service", host);
    }

    [Fact]
    public void GatewayDeployment_ProbesReadinessAndLivenessOnThePortItListensOn()
    {
        var port = (Dictionary<object, object>)Assert.Single(List(GatewayContainer, "ports"));
        var environment = Environment(GatewayContainer);

        Assert.Equal("/health/ready", Text(GatewayContainer, "readinessProbe.httpGet.path"));
        Assert.Equal("/health/live", Text(GatewayContainer, "livenessProbe.httpGet.path"));
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            var probePort = Text(GatewayContainer, $"{probe}.httpGet.port");
            Assert.True(probePort == Text(port, "name") || probePort == Text(port, "containerPort"), $"{probe} targets port {probePort}, not the gateway's");
        }

        // The gateway's own default is 127.0.0.1:5080: the kubelet's probes need every interface, on the container port.
        var urls = new Uri(environment["ASPNETCORE_URLS"]);
        Assert.Equal("0.0.0.0", urls.Host);
        Assert.Equal(Text(port, "containerPort"), urls.Port.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void GatewayDeployment_RequestsResourcesRunsAsNonRootAndUsesTheGatewayImage() =>
        AssertResourcesNonRootAndImage(Gateway, GatewayContainer, DeployFiles.GatewayImage);

    private static void AssertResourcesNonRootAndImage(Dictionary<object, object> deployment, Dictionary<object, object> container, string image)
    {
        Assert.NotNull(Text(container, "resources.requests.cpu"));
        Assert.NotNull(Text(container, "resources.requests.memory"));
        Assert.NotNull(Text(container, "resources.limits.memory"));
        Assert.StartsWith(image + ":", Text(container, "image"), StringComparison.Ordinal);
        Assert.Equal("true", Text(deployment, "spec.template.spec.securityContext.runAsNonRoot"));
        Assert.NotEqual("0", Text(deployment, "spec.template.spec.securityContext.runAsUser"));
        Assert.Equal("false", Text(container, "securityContext.allowPrivilegeEscalation"));
    }

    [Fact]
    public void GatewayDeployment_EnvironmentKeysAreReadByTheGatewayApiKeysComeFromASecretAndReferencesResolve()
    {
        var environment = Environment(GatewayContainer);

        Assert.All(environment.Keys, k => Assert.True(GatewayConfigurationKeys.Problem(k) is null, GatewayConfigurationKeys.Problem(k)));
        Assert.StartsWith("secret:", environment["REEV__CLIENT__CONNECTIONSTRING"], StringComparison.Ordinal);
        var keys = environment.Where(e => e.Key.StartsWith("REEV__GATEWAY__APIKEYS__", StringComparison.Ordinal) && e.Key.EndsWith("__KEY", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.StartsWith("secret:", k.Value, StringComparison.Ordinal));
        foreach (var reference in environment.Values.Where(v => v.StartsWith("secret:", StringComparison.Ordinal)))
        {
            var (name, key) = (reference[7..].Split('/')[0], reference[7..].Split('/')[1]);
            Assert.True(Map(Get("Secret", name), "stringData").ContainsKey(key), $"Secret {name} has no key {key}");
        }

        Assert.Equal(Environment()["REEV__SILO__PARTITIONCOUNT"], environment["REEV__CLIENT__PARTITIONCOUNT"]);
        Assert.Equal("false", Environment()["REEV__SILO__GATEWAY__ENABLED"]);
    }

    [Fact]
    public void GatewayService_SelectsTheGatewayPodsAndTargetsTheirPort()
    {
        var service = Get("Service", "reev-gateway");
        var podLabels = Map(Gateway, "spec.template.metadata.labels");
        var containerPort = (Dictionary<object, object>)Assert.Single(List(GatewayContainer, "ports"));

        Assert.All(Map(service, "spec.selector"), l => Assert.Equal(l.Value, podLabels[l.Key]));
        var target = Text((Dictionary<object, object>)Assert.Single(List(service, "spec.ports")), "targetPort");
        Assert.True(target == Text(containerPort, "name") || target == Text(containerPort, "containerPort"), $"the Service targets {target}");
    }

    [Fact]
    public void PodDisruptionBudgetAndAutoscaler_TargetTheSiloDeployment()
    {
        var podLabels = Map(Silo, "spec.template.metadata.labels");
        var pdb = Get("PodDisruptionBudget", "reev-silo");
        Assert.All(Map(pdb, "spec.selector.matchLabels"), l => Assert.Equal(l.Value, podLabels[l.Key]));
        Assert.True(At(pdb, "spec.maxUnavailable") is not null || At(pdb, "spec.minAvailable") is not null);

        var hpa = Get("HorizontalPodAutoscaler", "reev-silo");
        Assert.Equal("Deployment", Text(hpa, "spec.scaleTargetRef.kind"));
        Assert.Equal("reev-silo", Text(hpa, "spec.scaleTargetRef.name"));
        var min = int.Parse(Text(hpa, "spec.minReplicas")!, CultureInfo.InvariantCulture);
        var max = int.Parse(Text(hpa, "spec.maxReplicas")!, CultureInfo.InvariantCulture);
        var partitions = int.Parse(Environment()["REEV__SILO__PARTITIONCOUNT"], CultureInfo.InvariantCulture);
        Assert.True(min >= 2 && max >= min, $"HPA replicas {min}..{max}");
        Assert.True(max <= partitions, $"more silos ({max}) than partitions ({partitions}) leaves some owning none (never ready)");
    }

    [Fact]
    public void Postgres_IsAStatefulSetWithAVolumeProbesAndTheSecretsPassword()
    {
        var postgres = Get("StatefulSet", "reev-postgres");
        var container = (Dictionary<object, object>)Assert.Single(List(postgres, "spec.template.spec.containers"));

        Assert.StartsWith("postgres:", Text(container, "image"), StringComparison.Ordinal);
        Assert.NotEmpty(List(postgres, "spec.volumeClaimTemplates"));
        Assert.NotNull(At(container, "readinessProbe"));
        Assert.NotNull(Text(container, "resources.requests.memory"));
        var password = List(container, "env").Cast<Dictionary<object, object>>().Single(e => Text(e, "name") == "POSTGRES_PASSWORD");
        var secret = Get("Secret", Text(password, "valueFrom.secretKeyRef.name")!);
        Assert.True(Map(secret, "stringData").ContainsKey(Text(password, "valueFrom.secretKeyRef.key")!));
        Assert.Equal("reev-postgres", Text(postgres, "spec.serviceName"));
    }
}
