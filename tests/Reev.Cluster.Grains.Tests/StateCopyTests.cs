using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Consolidation;
using Reev.Cluster.Grains.Executions;
using Reev.Cluster.Grains.Hosting;

namespace Reev.Cluster.Grains.Tests;

/// <summary>
/// The grains' states copy themselves for the in-memory provider (ADR 0016): a copy must read as the state's JSON and
/// share no object a later turn could change. Checked by walking every property, so a collection added to a state and
/// left out of its DeepCopy fails here.
/// </summary>
public sealed class StateCopyTests
{
    public static TheoryData<string> States() => [nameof(ExecutionState), nameof(StepSession), nameof(ConsolidationState)];

    [Theory]
    [MemberData(nameof(States))]
    public void A_copy_reads_as_the_state_and_shares_nothing_mutable(string name)
    {
        object state = name switch
        {
            nameof(ExecutionState) => new ExecutionState
            {
                Steps = [new StepState { Index = 1, Tools = ["sol_transfer"] }, new StepState { Index = 2 }],
                Events = [new ExecutionEvent(1, "accepted", DateTimeOffset.UnixEpoch, null, "m")],
                Actions = [new RecoveryAction(1, "retry", "d", true, DateTimeOffset.UnixEpoch)],
                Observations = [new PlaybookObservation("Liquidity", AlternateKind.ReducedAmount, true)],
                Received = new Dictionary<string, ulong>(StringComparer.Ordinal) { ["w"] = 5 },
            },
            nameof(StepSession) => new StepSession { ExecutionId = "e", StepKey = "e:1", Index = 1 },
            _ => new ConsolidationState { PhasesCompleted = ["gather"], PhaseDurationsMs = new Dictionary<string, double> { ["gather"] = 1.5 } },
        };
        FillNullCollections(state);

        var copy = state switch
        {
            ExecutionState e => (object)e.DeepCopy(),
            StepSession s => s.DeepCopy(),
            ConsolidationState c => c.DeepCopy(),
            _ => throw new InvalidOperationException(name),
        };

        Assert.Equal(Json(state), Json(copy));
        AssertSharesNothingMutable(state, copy, name);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, value.GetType(), ReevGrains.SerializerOptions);

    /// <summary>Every null collection-typed property of a mutable object gets an empty collection, so that the walk sees it.</summary>
    private static void FillNullCollections(object value)
    {
        foreach (var property in Properties(value.GetType()))
        {
            var current = property.GetValue(value);
            if (current is null && property.CanWrite && IsCollection(property.PropertyType) && !property.PropertyType.IsInterface)
            {
                property.SetValue(value, Activator.CreateInstance(property.PropertyType));
            }
            else if (current is IList list)
            {
                foreach (var item in list)
                {
                    if (item is not null && IsMutable(item.GetType()) && !IsCollection(item.GetType()))
                    {
                        FillNullCollections(item);
                    }
                }
            }
        }
    }

    private static void AssertSharesNothingMutable(object original, object copy, string path)
    {
        Assert.NotSame(original, copy);
        foreach (var property in Properties(original.GetType()))
        {
            var a = property.GetValue(original);
            var b = property.GetValue(copy);
            if (a is null || !IsMutable(a.GetType()))
            {
                continue; // immutable values (strings, records with init-only members) may be shared
            }

            var where = $"{path}.{property.Name}";
            Assert.False(ReferenceEquals(a, b), $"{where} is shared by the state and its copy: a later turn would change the committed copy");
            if (a is IList first && b is IList second)
            {
                Assert.Equal(first.Count, second.Count);
                for (var i = 0; i < first.Count; i++)
                {
                    if (first[i] is { } item && IsMutable(item.GetType()))
                    {
                        AssertSharesNothingMutable(item, second[i]!, $"{where}[{i}]");
                    }
                }
            }
            else if (!IsCollection(a.GetType()))
            {
                AssertSharesNothingMutable(a, b!, where);
            }
        }
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Instance | BindingFlags.Public).Where(p => p.GetIndexParameters().Length == 0 && p.CanRead);

    private static bool IsCollection(Type type) =>
        type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() is var d
            && (d == typeof(List<>) || d == typeof(Dictionary<,>) || d == typeof(HashSet<>)));

    /// <summary>A collection, or a class with a public setter that is not init-only.</summary>
    private static bool IsMutable(Type type) =>
        IsCollection(type) || (type.IsClass && type != typeof(string) && Properties(type).Any(p =>
            p.SetMethod is { IsPublic: true } setter
            && !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit))));
}
