// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// A storage-heavy loop: reads and rewrites a run of slots, as batch settlement contracts do.
contract StorageLoop {
    mapping(uint256 => uint256) public cells;

    function churn(uint256 start, uint256 count, uint256 salt) external {
        for (uint256 i = start; i < start + count; i++) {
            cells[i] = cells[i] * 31 + salt + i;
        }
    }
}
