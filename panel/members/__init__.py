"""The panel-member domain: joining, membership, the member's own controls and staff tools."""
