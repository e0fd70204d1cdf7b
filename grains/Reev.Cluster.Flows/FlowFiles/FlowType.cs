namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>The <c>flow_type</c> of a flow file.</summary>
public enum FlowType
{
    /// <summary>Default; not written back.</summary>
    Static = 0,

    /// <summary>Generated or tagged <c>dynamic</c>.</summary>
    Dynamic = 1,
}
