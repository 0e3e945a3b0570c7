// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// A constant-product AMM pool (x·y = k, 0.3 % fee) with internal balances: every swap reads and
/// writes both reserves, so a block of swaps is one hot contract where all transactions conflict.
contract Pool {
    uint256 public reserve0;
    uint256 public reserve1;
    mapping(address => uint256) public balance0;
    mapping(address => uint256) public balance1;

    constructor(uint256 r0, uint256 r1) {
        reserve0 = r0;
        reserve1 = r1;
    }

    /// Credits the caller (the workload's genesis funds its traders this way).
    function faucet(uint256 a0, uint256 a1) external {
        balance0[msg.sender] += a0;
        balance1[msg.sender] += a1;
    }

    function swap0for1(uint256 amountIn) external returns (uint256 out) {
        require(balance0[msg.sender] >= amountIn, "balance");
        uint256 r0 = reserve0;
        uint256 r1 = reserve1;
        out = (r1 * amountIn * 997) / (r0 * 1000 + amountIn * 997);
        balance0[msg.sender] -= amountIn;
        balance1[msg.sender] += out;
        reserve0 = r0 + amountIn;
        reserve1 = r1 - out;
    }

    function swap1for0(uint256 amountIn) external returns (uint256 out) {
        require(balance1[msg.sender] >= amountIn, "balance");
        uint256 r0 = reserve0;
        uint256 r1 = reserve1;
        out = (r0 * amountIn * 997) / (r1 * 1000 + amountIn * 997);
        balance1[msg.sender] -= amountIn;
        balance0[msg.sender] += out;
        reserve1 = r1 + amountIn;
        reserve0 = r0 - out;
    }
}
